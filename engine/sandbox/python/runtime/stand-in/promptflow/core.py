from ._tool import ToolProvider, tool
from ._weir import log_metric

__all__ = ['tool', 'log_metric', 'ToolProvider']
