# sitecustomize.py - first on PYTHONPATH under 'mprof run': gives each Python process of the run @profile, then runs the sitecustomize it hides.
#
# Registers mprof's memory_profiler.py (beside this file) as the module
# memory_profiler and its profile as a builtin, so the program, the modules it
# imports and the interpreters it starts (multiprocessing spawn and forkserver
# workers, subprocesses) find @profile as the original's 'mprof run' gives it to the
# script. Anything that fails here leaves the process as it would be without mprof.


def _mprof_install():
    import builtins
    import importlib.util
    import os
    import sys

    here = os.path.dirname(os.path.abspath(__file__))
    spec = importlib.util.spec_from_file_location(
        "memory_profiler", os.path.join(here, "memory_profiler.py"))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    sys.modules["memory_profiler"] = mod
    if not hasattr(builtins, "profile"):
        builtins.profile = mod.profile


def _mprof_chain():
    """Runs the sitecustomize this one hides (Debian's, a virtualenv's), if any."""
    import importlib.machinery
    import importlib.util
    import os
    import sys

    here = os.path.dirname(os.path.abspath(__file__))
    path = [p for p in sys.path if os.path.abspath(p or os.curdir) != here]
    spec = importlib.machinery.PathFinder.find_spec("sitecustomize", path)
    if spec is None:
        return
    mod = importlib.util.module_from_spec(spec)
    sys.modules["sitecustomize"] = mod
    spec.loader.exec_module(mod)


try:
    _mprof_install()
except Exception:
    pass
_mprof_chain()
