"""The Qt bindings must not leak references to None/True (PySide6 6.12.0 on CPython 3.11 does, and the app then
aborts with "none_dealloc" after about a thousand Qt calls); pyproject.toml excludes that release."""
import sys

from PySide6.QtCore import QObject, Signal


class _Emitter(QObject):
    fired = Signal(int)


def test_void_calls_and_emits_keep_none_and_true_alive():
    obj = _Emitter()
    none_before, true_before = sys.getrefcount(None), sys.getrefcount(True)
    for i in range(2000):
        obj.setObjectName("probe")  # a void C++ method
        obj.fired.emit(i)  # emit returns a bool
    # a little slack for unrelated objects created meanwhile; a leak would be ~2000
    assert abs(sys.getrefcount(None) - none_before) < 50
    assert abs(sys.getrefcount(True) - true_before) < 50
