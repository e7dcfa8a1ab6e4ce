"""`promptflow.tracing`: `@trace` keeps the function as it is (Weir traces the node around it)."""


def trace(func=None, **kwargs):
    if func is not None and callable(func):
        return func
    return lambda f: f


def start_trace(*args, **kwargs):
    return None


__all__ = ['trace', 'start_trace']
