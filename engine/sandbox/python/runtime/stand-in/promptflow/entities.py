from .connections import AzureOpenAIConnection, CustomConnection, OpenAIConnection  # noqa: F401

__all__ = ['AzureOpenAIConnection', 'OpenAIConnection', 'CustomConnection']
