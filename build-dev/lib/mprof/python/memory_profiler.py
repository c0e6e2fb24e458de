# memory_profiler.py - mprof's memory_profiler under 'mprof run': @profile and profile.timestamp() bracket through libmprof.so.
#
# 'mprof run' puts this directory first on PYTHONPATH, so this module is the
# memory_profiler that Python programs of the run import, and sitecustomize.py
# beside it makes its profile the builtin in every Python process of the run (so
# multiprocessing workers started with spawn or forkserver have it too). It wins
# over an installed memory_profiler: brackets go to the recording, no line-by-line
# table is printed; every other name of the installed module (memory_usage,
# LineProfiler, ...) is loaded from it on first use.
#
# Each call of a decorated function becomes a FUNC line named <module>.<function>,
# and each profile.timestamp("name") block one named .name, as in the original. The
# brackets go through mprof_enter_id/mprof_leave_id of the preloaded library: they
# pair by an id, not by a per-thread stack, so overlapping async calls keep their
# own spans; the nesting depth is kept per thread and per asyncio task.
# Nothing more is imported until @profile is first used.
import os
import sys

_lib = None  # None: not resolved yet; False: not under 'mprof run'
_depth = None  # the nesting depth, per thread and per asyncio task
_ids = None
_CO_COROUTINE = 0x80


def _functions():
    global _lib, _depth, _ids
    if _lib is None:
        _lib = False
        try:
            import contextvars
            import ctypes
            import itertools

            lib = ctypes.CDLL(None)
            enter, leave = lib.mprof_enter_id, lib.mprof_leave_id
        except (ImportError, OSError, AttributeError):
            return False  # not running under 'mprof run': @profile does nothing
        enter.argtypes = [ctypes.c_char_p, ctypes.c_ulonglong, ctypes.c_int]
        leave.argtypes = [ctypes.c_ulonglong]
        enter.restype = leave.restype = None
        _depth = contextvars.ContextVar("mprof_depth", default=0)
        _ids = itertools.count(1)
        _lib = (enter, leave)
    return _lib


def _open(name):
    enter = _lib[0]
    depth = _depth.get()
    ident = next(_ids)
    enter(name, ident, depth)
    _depth.set(depth + 1)
    return ident, depth


def _close(state):
    _lib[1](state[0])
    _depth.set(state[1])


class _Block(object):
    """A profile.timestamp() block: one bracket per 'with'."""

    def __init__(self, name):
        self.name = name
        self.states = []

    def __enter__(self):
        if _functions():
            self.states.append(_open(self.name))
        return self

    def __exit__(self, *exc):
        if self.states:
            _close(self.states.pop())
        return False


class _Profile(object):
    """The original's @profile (memory_profiler.profile and mprof's TimeStamper)."""

    def __call__(self, func=None, *args, **kwargs):
        if func is None:
            return lambda f: self(f)
        if not _functions():
            return func
        import functools

        name = ("%s.%s" % (getattr(func, "__module__", None), getattr(func, "__name__", "?")))
        name = name.encode("utf-8", "replace")
        code = getattr(func, "__code__", None)
        if code is not None and code.co_flags & _CO_COROUTINE:

            @functools.wraps(func)
            async def async_wrapper(*a, **k):
                state = _open(name)
                try:
                    return await func(*a, **k)
                finally:
                    _close(state)

            return async_wrapper

        @functools.wraps(func)
        def wrapper(*a, **k):
            state = _open(name)
            try:
                return func(*a, **k)
            finally:  # an exception still closes the bracket
                _close(state)

        return wrapper

    def timestamp(self, name="<block>"):
        """Brackets a block: 'with profile.timestamp("name"):', a FUNC line .name."""
        return _Block(("." + str(name)).encode("utf-8", "replace"))


profile = _Profile()

_here = os.path.dirname(os.path.abspath(__file__))
_real = None


def _installed():
    """The installed memory_profiler (not this one), loaded once; None if absent."""
    global _real
    if _real is None:
        import importlib.machinery
        import importlib.util

        path = [p for p in sys.path if os.path.abspath(p or os.curdir) != _here]
        spec = importlib.machinery.PathFinder.find_spec("memory_profiler", path)
        _real = False
        if spec is not None:
            mod = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(mod)
            _real = mod
    return _real or None


def __getattr__(name):
    real = None if name.startswith("__") else _installed()
    if real is None:
        raise AttributeError("module 'memory_profiler' has no attribute %r "
                             "(under 'mprof run' it has only profile)" % name)
    return getattr(real, name)


if __name__ == "__main__":
    # python3 -m memory_profiler under mprof run: the installed tool's own main.
    real = _installed()
    if real is None:
        sys.stderr.write("mprof: cannot run 'memory_profiler': not installed\n")
        sys.exit(1)
    import runpy

    sys.modules.pop("memory_profiler", None)
    runpy.run_path(real.__file__, run_name="__main__")
