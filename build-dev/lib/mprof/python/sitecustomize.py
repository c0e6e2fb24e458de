# sitecustomize.py - first on PYTHONPATH under 'mprof run': gives each Python process of the run @profile, then runs the sitecustomize it hides.
#
# 'mprof run' puts this directory first on PYTHONPATH for a Python program, so the
# program and the interpreters it starts (multiprocessing spawn and forkserver
# workers, subprocesses) find the original's @profile builtin, and
# 'import memory_profiler' finds mprof's memory_profiler.py beside this file. Every
# process of the run pays for this file (and ctypes, for the gc.callbacks hook that
# puts each collection of the cycle collector on the timeline) only:
# memory_profiler.py is read when @profile is first used. Anything that fails here leaves the process as it would
# be without mprof.


class _MprofProfile(object):
    """The builtin profile until first used; then memory_profiler's own."""

    def _real(self):
        import builtins

        import memory_profiler

        if builtins.__dict__.get("profile") is self:
            builtins.profile = memory_profiler.profile
        return memory_profiler.profile

    def __call__(self, *args, **kwargs):
        return self._real()(*args, **kwargs)

    def timestamp(self, *args, **kwargs):
        return self._real().timestamp(*args, **kwargs)


def _mprof_gc_hook():
    """Reports every collection of the cycle collector to libmprof.so.

    One gc.callbacks entry per interpreter: at "start" the library notes the time and
    the heap in use, at "stop" it sends one event with both, the generation, and the
    objects collected and found uncollectable (a GC line of the recording)."""
    import gc

    try:
        import ctypes

        lib = ctypes.CDLL(None)
        begin, end = lib.mprof_gc_begin, lib.mprof_gc_end
    except (ImportError, OSError, AttributeError):
        return  # not under 'mprof run', or a library without collection events
    begin.argtypes = [ctypes.c_int]
    end.argtypes = [ctypes.c_longlong, ctypes.c_longlong]
    begin.restype = end.restype = None

    def _mprof_collection(phase, info, begin=begin, end=end):
        if phase == "start":
            begin(info["generation"])
        else:
            end(info["collected"], info["uncollectable"])

    gc.callbacks.append(_mprof_collection)


def _mprof_chain():
    """Runs the sitecustomize this one hides (Debian's, a virtualenv's), if any."""
    # importlib.machinery, not importlib.util: that would cost every process of the
    # run milliseconds (it imports contextlib and collections).
    import importlib.machinery
    import os
    import sys

    here = os.path.dirname(os.path.abspath(__file__))
    path = [p for p in sys.path if os.path.abspath(p or os.curdir) != here]
    spec = importlib.machinery.PathFinder.find_spec("sitecustomize", path)
    if spec is None:
        return
    mod = type(sys)(spec.name)
    mod.__spec__, mod.__loader__, mod.__file__ = spec, spec.loader, spec.origin
    sys.modules[spec.name] = mod
    spec.loader.exec_module(mod)


try:
    import builtins

    if not hasattr(builtins, "profile"):
        builtins.profile = _MprofProfile()
except Exception:
    pass
try:
    _mprof_gc_hook()
except Exception:
    pass
_mprof_chain()
