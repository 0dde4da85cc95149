"""Throwaway servers on loopback (slapd, Samba AD, the ThoughtSpot emulator) for tests, demo and benchmark."""
