"""Throwaway servers on loopback for tests, the demo and the benchmark.

slapd (OpenLDAP), a Samba AD domain controller and the ThoughtSpot emulator.
"""
