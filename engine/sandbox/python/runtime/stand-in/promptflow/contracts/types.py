"""prompt flow's value marker types: plain str subclasses, as prompt flow's own are."""


class PromptTemplate(str):
    pass


class Secret(str):
    pass


class FilePath(str):
    pass


__all__ = ['PromptTemplate', 'Secret', 'FilePath']
