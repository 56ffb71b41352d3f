"""Slow salted hashes for PINs and service passwords (scrypt, standard library).

Each hash carries its own parameters (`scrypt$n$r$p$salt$digest`), so hashes written with
older parameters keep verifying, and `needs_rehash` says when a hash should be written again
with today's (a clerk's PIN is rehashed at the next good log-in).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os

# Why these parameters: what is hashed here is a 4-8 digit staff PIN or a 6-digit service
# password, at most 10^8 values. No cost a counter PC can pay per check makes an offline
# search of a stolen database slow (10^4 PINs at 60 ms each take ten minutes), so the real
# protection is online: five wrong PINs lock the staff number (teller.domain.staff), and the
# database file stays on the counter PC or the hall's server. The hash keeps PINs out of sight
# and makes bulk guessing cost CPU time: about 50 ms a check here, as the old parameters did.
# That time comes from p (lanes computed one after another in the same work area) rather than
# from n: the work area is 128·r·n = 1 MiB instead of the 16 MiB of n=2^14, which was a sixth
# of the console's memory at each log-in, and memory-hardness buys nothing for so few values.
_N, _R, _P = 2**10, 8, 12
_MAXMEM = 64 * 1024 * 1024  # a stored hash asking for more is refused, not computed


def hash_secret(secret: str) -> str:
    salt = os.urandom(16)
    digest = hashlib.scrypt(secret.encode(), salt=salt, n=_N, r=_R, p=_P, dklen=32)
    enc = base64.b64encode
    return f"scrypt${_N}${_R}${_P}${enc(salt).decode()}${enc(digest).decode()}"


def _parts(stored: str | None) -> tuple[int, int, int, bytes, bytes] | None:
    """(n, r, p, salt, digest) of a stored scrypt hash, or None if it is not one."""
    try:
        scheme, n, r, p, salt, digest = (stored or "").split("$")
        if scheme != "scrypt":
            return None
        return int(n), int(r), int(p), base64.b64decode(salt), base64.b64decode(digest)
    except ValueError:  # wrong field count, not numbers, not base64
        return None


def verify_secret(secret: str, stored: str | None) -> bool:
    parts = _parts(stored)
    if parts is None:
        return False
    n, r, p, salt, digest = parts
    try:
        got = hashlib.scrypt(secret.encode(), salt=salt, n=n, r=r, p=p, dklen=len(digest) or 32, maxmem=_MAXMEM)
    except ValueError:  # parameters scrypt refuses (or beyond _MAXMEM): no match
        return False
    return hmac.compare_digest(got, digest)


def needs_rehash(stored: str | None) -> bool:
    """Whether a hash that verified was made with other parameters than today's."""
    parts = _parts(stored)
    return parts is None or parts[:3] != (_N, _R, _P)
