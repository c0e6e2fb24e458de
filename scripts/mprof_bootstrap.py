# mprof_bootstrap.py - runs a Python script with the original mprof's @profile builtin, bracketing calls through libmprof.so.
#
# Usage (done by 'mprof run script.py'): python3 mprof_bootstrap.py script.py [args...]
# Each call of a decorated function becomes a FUNC line named <module>.<function>, as
# in the original. The brackets go through mprof_enter/mprof_leave of the preloaded
# library, so their times come from the program's own clock.
import builtins
import ctypes
import functools
import inspect
import os
import runpy
import sys


def _bracket_functions():
    try:
        lib = ctypes.CDLL(None)
        enter, leave = lib.mprof_enter, lib.mprof_leave
    except (OSError, AttributeError):
        return None, None  # not running under 'mprof run': @profile does nothing
    enter.argtypes, enter.restype = [ctypes.c_char_p], None
    leave.argtypes, leave.restype = [], None
    return enter, leave


_enter, _leave = _bracket_functions()


def profile(func=None, stream=None, precision=1, backend="psutil"):
    """The original's decorator: brackets every call of func."""
    if func is None:
        return lambda f: profile(f, stream, precision, backend)
    if _enter is None:
        return func
    name = ("%s.%s" % (func.__module__, func.__name__)).encode("utf-8", "replace")

    if inspect.iscoroutinefunction(func):
        @functools.wraps(func)
        async def async_wrapper(*args, **kwargs):
            _enter(name)
            try:
                return await func(*args, **kwargs)
            finally:
                _leave()
        return async_wrapper

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        _enter(name)
        try:
            return func(*args, **kwargs)
        finally:  # an exception still closes the bracket
            _leave()
    return wrapper


def main():
    if len(sys.argv) < 2:
        sys.stderr.write("mprof: usage: python3 mprof_bootstrap.py script.py [args...]\n")
        sys.exit(2)
    builtins.profile = profile
    sys.argv = sys.argv[1:]
    script = sys.argv[0]
    sys.path[0] = os.path.dirname(os.path.abspath(script))
    runpy.run_path(script, run_name="__main__")


if __name__ == "__main__":
    main()
