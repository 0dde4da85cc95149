"""ldap2ts: keep ThoughtSpot users and groups in step with an LDAP directory."""
