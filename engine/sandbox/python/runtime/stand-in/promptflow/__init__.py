"""Weir's stand-in for the `promptflow` package: what tool code imports, so it runs unmodified."""
from ._tool import ToolProvider, tool
from ._weir import log_metric
from .tracing import trace

__all__ = ['tool', 'log_metric', 'trace', 'ToolProvider']
