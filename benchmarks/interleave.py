"""Times whole commands, interleaved so that a change in machine load hits every command alike.

usage: python3 interleave.py RUNS NAME=COMMAND [NAME=COMMAND ...]
Each COMMAND is run through `bash -c` RUNS times (round-robin over the commands, the order rotating each round),
its output discarded. Prints one line per command: NAME <tab> median seconds <tab> total seconds.
"""
import statistics
import subprocess
import sys
import time

runs = int(sys.argv[1])
commands = [arg.split("=", 1) for arg in sys.argv[2:]]
times = {name: [] for name, _ in commands}
for round_index in range(runs):
    shift = round_index % len(commands)
    for name, command in commands[shift:] + commands[:shift]:
        start = time.perf_counter()
        subprocess.run(["bash", "-c", command], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        times[name].append(time.perf_counter() - start)
for name, _ in commands:
    print(f"{name}\t{statistics.median(times[name]):.4f}\t{sum(times[name]):.3f}")
