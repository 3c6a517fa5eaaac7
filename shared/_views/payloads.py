"""Look inside an Event History's payloads: decode them as a key holder would, count their bytes, grep them.

Every input, result, Signal, Update and memo in a history is a ``Payload``.
With a codec (``EncryptionCodec``) or a claim check (``claim_check``) the
stored payloads are ciphertext or references; ``decode_events`` undoes both
with the client's data converter, the way a codec server does for the Web UI.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from google.protobuf.message import Message
from temporalio.api.common.v1 import Payload
from temporalio.api.history.v1 import HistoryEvent
from temporalio.converter import DataConverter

PAYLOAD = Payload.DESCRIPTOR.full_name


def payloads_in(message: Message) -> Iterator[Payload]:
    """Every ``Payload`` anywhere inside a protobuf message (inputs, results, headers, memos, failures)."""
    for field, value in message.ListFields():
        if field.type != field.TYPE_MESSAGE:
            continue
        if field.message_type.GetOptions().map_entry:
            items = value.values()
        elif field.is_repeated:
            items = value
        else:
            items = [value]
        for item in items:
            if not isinstance(item, Message):
                continue
            if item.DESCRIPTOR.full_name == PAYLOAD:
                yield item  # type: ignore[misc]
            else:
                yield from payloads_in(item)


async def decode_events(events: Iterable[HistoryEvent], converter: DataConverter) -> list[HistoryEvent]:
    """The events with every payload decrypted and fetched back from the claim check (copies, if needed)."""
    if converter.payload_codec is None and converter.external_storage is None:
        return list(events)
    decoded = []
    for event in events:
        copy = HistoryEvent()
        copy.CopyFrom(event)
        for payload in payloads_in(copy):
            # DataConverter has no public call that decodes a payload without also converting it
            # to a Python value; this is the step the SDK runs for every inbound payload.
            payload.CopyFrom(await converter._transform_inbound_payload(payload))
        decoded.append(copy)
    return decoded


def count_in_payloads(events: Iterable[HistoryEvent], text: str) -> int:
    """How many payloads in these events contain ``text`` in their data or metadata."""
    needle = text.encode()
    return sum(
        1
        for event in events
        for p in payloads_in(event)
        if needle in p.data or any(needle in v for v in p.metadata.values())
    )
