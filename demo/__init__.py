"""``python -m demo``: a full sync from a sample company directory into the ThoughtSpot emulator."""
