#!/usr/bin/env python3
"""Trunk post-build hook: moves Trunk's inline boot script into a hashed file (so the Content-Security-Policy can
forbid inline scripts), writes the service worker with this build's file list, then precompresses the shell.

The precache list is generated, never hand-written, so a rebuilt app gets a new cache name and the service worker
drops the old one. The server sends the .br/.gz twins to browsers that accept them, so nothing is compressed
per request.
"""
import gzip
import hashlib
import json
import os
import pathlib
import re
import shutil
import subprocess

staging = pathlib.Path(os.environ["TRUNK_STAGING_DIR"])

index = staging / "index.html"
html = index.read_text(encoding="utf-8")
inline = re.search(r'<script type="module">(.*?)</script>', html, re.S)
if inline:
    boot = inline.group(1).strip() + "\n"
    name = f"boot-{hashlib.sha256(boot.encode()).hexdigest()[:16]}.js"
    (staging / name).write_text(boot, encoding="utf-8")
    html = html[: inline.start()] + f'<script type="module" src="/{name}"></script>' + html[inline.end():]
    index.write_text(html, encoding="utf-8")
template = pathlib.Path(__file__).resolve().parent.parent / "public" / "sw.js"
COMPRESSIBLE = {".html", ".js", ".wasm", ".css", ".webmanifest", ".json", ".svg"}

shell = sorted(
    p for p in staging.rglob("*")
    if p.is_file() and p.name != "sw.js" and p.suffix not in {".gz", ".br"}
)
digest = hashlib.sha256()
for path in shell:
    digest.update(path.relative_to(staging).as_posix().encode())
    digest.update(path.read_bytes())
urls = ["/"] + ["/" + p.relative_to(staging).as_posix() for p in shell]
worker = (
    template.read_text(encoding="utf-8")
    .replace("__PRECACHE__", json.dumps(urls))
    .replace("__BUILD_HASH__", digest.hexdigest()[:16])
)
(staging / "sw.js").write_text(worker, encoding="utf-8")

brotli = shutil.which("brotli")
for path in shell + [staging / "sw.js"]:
    if path.suffix not in COMPRESSIBLE:
        continue
    data = path.read_bytes()
    with open(f"{path}.gz", "wb") as out:
        with gzip.GzipFile(fileobj=out, mode="wb", compresslevel=9, mtime=0) as gz:
            gz.write(data)
    if brotli:
        subprocess.run([brotli, "-f", "-q", "11", "-o", f"{path}.br", str(path)], check=True)

print(f"post_build: service worker precaches {len(urls)} URLs; compressed with gzip{' and brotli' if brotli else ''}")
