"""The optional language model: an OpenAI-compatible chat endpoint (Ollama, llama.cpp server, vLLM or
a hosted service) built from Settings through llama-index, and one call to it that either returns the
reply's text or says in one line why there is none."""
from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

import httpx
import openai
from llama_index.core.base.llms.types import ChatMessage, MessageRole
from llama_index.core.llms import LLM

from ingest.settings import Settings

DEFAULT_MODEL = "default"  # llama.cpp's server answers with whichever model it loaded, whatever the name
MAX_REPLY_TOKENS = 600
# A local server without keys still needs some key for the client; an explicit placeholder also keeps the
# client from falling back to an OPENAI_API_KEY in the environment and sending it to another host.
NO_KEY = "no-key"


class LLMUnavailable(Exception):
    """The model gave no usable reply (timeout, refused connection, HTTP error, malformed reply)."""

    def __init__(self, message: str, *, down: bool = False):
        super().__init__(message)
        self.down = down  # timed out or unreachable: not worth asking again for the same question


@dataclass(frozen=True)
class ChatModel:
    """A configured chat model and how to name it to users (never with its key)."""

    llm: LLM
    name: str
    where: str

    def __repr__(self) -> str:
        return f"ChatModel({self.name!r} at {self.where!r})"


def endpoint_label(url: str) -> str:
    """The endpoint as shown to users and in logs: scheme, host and path, without any user or password."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{host}{port}{parts.path}".rstrip("/")


def build_chat_model(settings: Settings) -> ChatModel | None:
    """The chat model BOARDQA_LLM_URL / BOARDQA_LLM_MODEL / BOARDQA_LLM_KEY point at, or None (extractive)."""
    if not settings.llm_url:
        return None
    from llama_index.llms.openai_like import OpenAILike

    model = settings.llm_model or DEFAULT_MODEL
    llm = OpenAILike(model=model, api_base=settings.llm_url.rstrip("/"), api_key=settings.llm_key or NO_KEY,
                     is_chat_model=True, is_function_calling_model=False, temperature=0.0,
                     max_tokens=MAX_REPLY_TOKENS, timeout=settings.llm_timeout,
                     # one attempt: a slow or absent server means an extractive answer now, not retries
                     max_retries=0, context_window=8192)
    return ChatModel(llm, model, endpoint_label(settings.llm_url))


# What the client raises for a failed or malformed exchange; anything else is a bug and propagates.
_FAILURES = (openai.OpenAIError, httpx.HTTPError, ValueError, TypeError, KeyError, IndexError, AttributeError)


def _reason(err: Exception) -> str:
    """A short, key-free reason for a failed call."""
    if isinstance(err, (openai.APITimeoutError, httpx.TimeoutException)):
        return "it did not answer in time"
    if isinstance(err, (openai.APIConnectionError, httpx.ConnectError)):
        return "it could not be reached"
    if isinstance(err, openai.APIStatusError):
        return f"it returned HTTP {err.status_code}"
    return f"its reply could not be read ({type(err).__name__})"


def chat(model: ChatModel, system: str, user: str) -> str:
    """The model's reply to one system and one user message; LLMUnavailable when there is none."""
    messages = [ChatMessage(role=MessageRole.SYSTEM, content=system), ChatMessage(role=MessageRole.USER, content=user)]
    try:
        reply = model.llm.chat(messages).message.content
    except _FAILURES as err:
        down = isinstance(err, (openai.APITimeoutError, openai.APIConnectionError, httpx.TransportError))
        raise LLMUnavailable(f"the language model at {model.where} gave no answer: {_reason(err)}", down=down) from None
    if not isinstance(reply, str) or not reply.strip():
        raise LLMUnavailable(f"the language model at {model.where} gave an empty reply")
    return reply.strip()


def mode_line(model: ChatModel | None) -> str:
    """Which answer mode is on, in words for the CLI and the app."""
    if model is None:
        return "extractive: answers quote the papers (set BOARDQA_LLM_URL for generated answers)"
    return (f"generated: {model.name} at {model.where} writes the answer; every citation is checked "
            "against its passage, and the extractive answer is given when the check or the model fails")
