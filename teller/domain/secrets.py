"""Slow salted hashes for PINs and service passwords (scrypt, standard library)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import os

# n=2**14, r=8 costs about 16 MB and a few tens of ms: slow for guessing, fine at a counter.
_N, _R, _P = 2**14, 8, 1


def hash_secret(secret: str) -> str:
    salt = os.urandom(16)
    digest = hashlib.scrypt(secret.encode(), salt=salt, n=_N, r=_R, p=_P, dklen=32)
    enc = base64.b64encode
    return f"scrypt${_N}${_R}${_P}${enc(salt).decode()}${enc(digest).decode()}"


def verify_secret(secret: str, stored: str | None) -> bool:
    if not stored:
        return False
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
    except ValueError:
        return False
    if scheme != "scrypt":
        return False
    dec = base64.b64decode
    got = hashlib.scrypt(secret.encode(), salt=dec(salt), n=int(n), r=int(r), p=int(p), dklen=32)
    return hmac.compare_digest(got, dec(digest))
