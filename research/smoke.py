"""Smoke test of the probes: each imports and prints its --help, in a process of its own (some patch the package)."""
import subprocess, sys
from pathlib import Path

here = Path(__file__).parent
probes = sorted(p for p in here.glob('*.py') if p.name != 'smoke.py')
failed = []
for p in probes:
    r = subprocess.run([sys.executable, str(p), '--help'], capture_output=True, text=True, timeout=300)
    ok = r.returncode == 0 and 'usage:' in r.stdout
    print(f"{'ok  ' if ok else 'FAIL'} {p.name}")
    if not ok: failed.append(f"{p.name}: {(r.stderr or r.stdout).strip().splitlines()[-1:]}")
print(f"research probes: {len(probes) - len(failed)} passed, {len(failed)} failed")
if failed: sys.exit('\n'.join(failed))
