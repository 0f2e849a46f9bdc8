#!/usr/bin/env python3
"""Prints (and with --json writes) the size of each function's Lambda zip built by
`make package`: zipped (what Lambda stores, limit 50 MB) and unpacked (limit 250 MB)."""

import json
import pathlib
import statistics
import sys
import zipfile

lambda_dir = pathlib.Path(sys.argv[1])
rows = []
for z in sorted(lambda_dir.glob("*/bootstrap.zip")):
    with zipfile.ZipFile(z) as archive:
        unpacked = sum(info.file_size for info in archive.infolist())
    rows.append({"function": z.parent.name, "zip_bytes": z.stat().st_size, "unpacked_bytes": unpacked})
if not rows:
    sys.exit(f"no bootstrap.zip under {lambda_dir}: run make package first")
mb = 1024 * 1024
for r in rows:
    print(f"  {r['function']:<26} {r['zip_bytes'] / mb:6.2f} MB zipped  {r['unpacked_bytes'] / mb:6.2f} MB unpacked")
sizes = [r["zip_bytes"] for r in rows]
print(f"  median {statistics.median(sizes) / mb:.2f} MB, largest {max(sizes) / mb:.2f} MB zipped ({len(rows)} functions)")
if "--json" in sys.argv:
    out = lambda_dir / "sizes.json"
    out.write_text(json.dumps(rows, indent=2))
    print(f"  written to {out}")
