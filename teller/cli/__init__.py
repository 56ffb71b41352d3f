"""teller-admin: the operator's command line (see teller.cli.main)."""
