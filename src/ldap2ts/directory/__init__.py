"""Read users and groups from Active Directory or OpenLDAP with python-ldap.

``read_directory(settings)`` is the entry point; it returns a
DirectorySnapshot whose ``complete`` flag tells whether removals may be based
on it.
"""

from ldap2ts.directory.reader import read_directory

__all__ = ["read_directory"]
