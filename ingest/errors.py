"""One small hierarchy of errors; each message names the thing and the next step."""


class BoardQAError(Exception):
    """Base for every error a user can act on; the CLI prints it as one line."""


class IngestError(BoardQAError):
    """A file could not be read or parsed; the rest of the batch goes on."""


class ConfigError(BoardQAError):
    """A setting or data file is wrong."""


class IndexNotFoundError(BoardQAError):
    """Nothing has been ingested yet."""


class IndexBusyError(BoardQAError):
    """Another process is writing the index."""


class QuestionError(BoardQAError):
    """A question that cannot be answered as asked (empty, too long, ...)."""
