"""prompt flow's connection classes, built from a Weir connection (settings + secrets) for a call."""


def _first(mapping, *keys):
    for key in keys:
        value = mapping.get(key)
        if value not in (None, ''):
            return value
    return None


class _Connection:
    TYPE = 'custom'

    def __init__(self, name=None, **kwargs):
        self.name = name
        for key, value in kwargs.items():
            setattr(self, key, value)

    def __getitem__(self, key):
        try:
            return getattr(self, key)
        except AttributeError:
            raise KeyError(key)

    def get(self, key, default=None):
        return getattr(self, key, default)

    def __contains__(self, key):
        return hasattr(self, key)

    def __repr__(self):
        return '%s(name=%r)' % (type(self).__name__, self.name)


class AzureOpenAIConnection(_Connection):
    TYPE = 'azure_open_ai'

    def __init__(self, api_key=None, api_base=None, api_type='azure', api_version=None, name=None, **kwargs):
        super().__init__(name=name, **kwargs)
        self.api_key = api_key
        self.api_base = api_base
        self.api_type = api_type or 'azure'
        self.api_version = api_version or '2024-02-01'

    @property
    def azure_endpoint(self):
        return self.api_base

    @classmethod
    def _from_weir(cls, c):
        s, k = c.get('settings') or {}, c.get('secrets') or {}
        return cls(api_key=_first(k, 'api_key', 'key'), api_base=_first(s, 'api_base', 'base_url', 'endpoint', 'azure_endpoint'),
                   api_type=_first(s, 'api_type') or 'azure', api_version=_first(s, 'api_version'), name=c.get('name'))


class OpenAIConnection(_Connection):
    TYPE = 'open_ai'

    def __init__(self, api_key=None, organization=None, base_url=None, name=None, **kwargs):
        super().__init__(name=name, **kwargs)
        self.api_key = api_key
        self.organization = organization
        self.base_url = base_url

    @classmethod
    def _from_weir(cls, c):
        s, k = c.get('settings') or {}, c.get('secrets') or {}
        return cls(api_key=_first(k, 'api_key', 'key'), organization=_first(s, 'organization'),
                   base_url=_first(s, 'base_url', 'api_base'), name=c.get('name'))


class CustomConnection(_Connection):
    """Secrets and configs as attributes and items (`conn.api_key`, `conn["endpoint"]`)."""

    def __init__(self, secrets=None, configs=None, name=None, **kwargs):
        super().__init__(name=name)
        self.secrets = dict(secrets or {})
        self.configs = dict(configs or {})
        for key, value in list(self.configs.items()) + list(self.secrets.items()) + list(kwargs.items()):
            if key not in ('name', 'secrets', 'configs'):
                setattr(self, key, value)

    def __getitem__(self, key):
        if key in self.secrets:
            return self.secrets[key]
        if key in self.configs:
            return self.configs[key]
        raise KeyError(key)

    def __contains__(self, key):
        return key in self.secrets or key in self.configs

    def keys(self):
        return list(self.configs) + list(self.secrets)

    def is_secret(self, key):
        return key in self.secrets

    @classmethod
    def _from_weir(cls, c):
        return cls(secrets=c.get('secrets') or {}, configs=c.get('settings') or {}, name=c.get('name'))


class SerpConnection(CustomConnection):
    pass


__all__ = ['AzureOpenAIConnection', 'OpenAIConnection', 'CustomConnection', 'SerpConnection']
