"""teller: the counter console of a telecom business hall."""

__version__ = "0.1.0"
