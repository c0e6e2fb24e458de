# pyevents.py - under 'mprof run': the cost of one @profile bracket (entry and exit) and of one collection event of the cycle collector, in microseconds.
import gc
import time


def plain():
    pass


@profile  # noqa: F821 (the builtin that 'mprof run' gives every Python process)
def bracketed():
    pass


def per_call(f, n):
    t = time.perf_counter()
    for _ in range(n):
        f()
    return (time.perf_counter() - t) / n


def per_collection(n):
    t = time.perf_counter()
    for _ in range(n):
        gc.collect(0)
    return (time.perf_counter() - t) / n


bracket = min(per_call(bracketed, 5000) for _ in range(5)) - min(per_call(plain, 5000) for _ in range(5))
hooked = min(per_collection(1000) for _ in range(5))
saved = gc.callbacks[:]
gc.callbacks[:] = [c for c in saved if getattr(c, "__name__", "") != "_mprof_collection"]
bare = min(per_collection(1000) for _ in range(5))
gc.callbacks[:] = saved
print("%.2f %.2f" % (bracket * 1e6, (hooked - bare) * 1e6))
