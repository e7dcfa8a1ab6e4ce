def tool(func=None, *, name=None, description=None, type=None, input_settings=None, streaming_option_parameter=None, **kwargs):
    """`@tool` and `@tool(name=...)`: marks a tool function; Weir calls the function as written."""

    def mark(f):
        try:
            f.__weir_tool_name__ = name or getattr(f, '__name__', None)
        except (AttributeError, TypeError):
            pass
        return f

    if func is not None and callable(func):
        return mark(func)
    return mark


class ToolProvider:
    """Base class of class-based tools (`__init__` takes connections, methods are `@tool`s)."""

    def __init__(self, *args, **kwargs):
        pass
