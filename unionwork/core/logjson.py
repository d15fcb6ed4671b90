"""One JSON object per line for the security log stream (settings LOGGING, ``unionwork.security``).

Kept free of model imports: logging is configured before the apps are loaded. A record carrying a
``security_event`` (written by :func:`unionwork.core.security.record`) is that event; any other
record on the stream is still one JSON line, so a shipper reads the file line by line.
"""

import datetime
import json
import logging


class JsonLineFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        event = getattr(record, "security_event", None)
        if event is None:
            at = datetime.datetime.fromtimestamp(record.created, datetime.UTC).isoformat()
            event = {"at": at, "kind": "log", "message": record.getMessage()}
        line = {"logger": record.name, "level": record.levelname, **event}
        if record.exc_info:
            line["exc"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False, default=str, separators=(",", ":"))
