"""GeoReport v2 responses in JSON or XML, and its error format: a list of {code, description}."""
from __future__ import annotations

from xml.etree import ElementTree as ET

from flask import Response, current_app

FORMATS = ("json", "xml")
# XML element names: the root of a list and the name of each item in it.
ROOTS = {"services": "service", "service_requests": "request", "errors": "error", "values": "value",
         "attributes": "attribute"}


def _xml_value(parent: ET.Element, name: str, value: object) -> None:
    node = ET.SubElement(parent, name)
    if isinstance(value, dict):
        for key, item in value.items():
            _xml_value(node, key, item)
    elif isinstance(value, list):
        for item in value:
            _xml_value(node, ROOTS.get(name, "item"), item)
    elif isinstance(value, bool):
        node.text = "true" if value else "false"
    elif value is not None:
        node.text = str(value)


def to_xml(root: str, payload: object) -> bytes:
    holder = ET.Element("holder")
    _xml_value(holder, root, payload)
    return ET.tostring(holder[0], encoding="utf-8", xml_declaration=True)


def render(fmt: str, root: str, payload: object, status: int = 200) -> Response:
    """JSON as the payload itself (a list or an object); XML under `root`."""
    if fmt == "xml":
        return Response(to_xml(root, payload), status=status, content_type="text/xml; charset=utf-8")
    response = current_app.json.response(payload)
    response.status_code = status
    return response


def errors(fmt: str, status: int, *descriptions: str) -> Response:
    """The Open311 error list; `code` is the HTTP status."""
    return render(fmt if fmt in FORMATS else "json", "errors",
                  [{"code": status, "description": text} for text in descriptions], status)
