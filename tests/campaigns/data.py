"""Data for the campaigns and the lock tests: a large, valid subscriber CSV."""

from __future__ import annotations

from pathlib import Path

from teller.domain.catalog import demo_id

HEADER = "number,name,id_number,plan,balance,status,contact,local\n"


def big_csv(path: Path, rows: int, *, prefix: str = "157") -> Path:
    """`rows` valid subscribers 1{prefix}xxxxxxxx, two numbers per ID, no passwords (no hashing)."""
    lines = []
    for i in range(rows):
        number = f"{prefix}{i:08d}"
        j = i // 2  # one ID per pair of rows, unique up to 13 million pairs (year, month, day, sequence)
        birth = f"19{60 + j % 40:02d}{1 + (j // 40) % 12:02d}{1 + (j // 480) % 28:02d}"
        first17 = f"110105{birth}{(j // 13440) % 1000:03d}"
        lines.append(f"{number},用户{i},{demo_id(first17)},szx_fashion,{i % 50}.00,active,,yes")
    path.write_text(HEADER + "\n".join(lines) + "\n", encoding="utf-8")
    return path
