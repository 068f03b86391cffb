"""Sphinx extension of the course site (scripts/build_site.py): each widget becomes the picture it first drew.

MyST-NB executes every lesson during the build and would embed each ipywidget as a live view whose JavaScript
comes from the web. A static page cannot run the kernel behind a widget anyway, so right after a notebook is
read (and executed) each widget view is replaced by the <img> tags its HTML descendants showed, with a note
that the widget is live in JupyterLab, and the page no longer carries the widget state.
"""

from __future__ import annotations

import json
import re

from docutils import nodes

WIDGET_VIEW = '<script type="application/vnd.jupyter.widget-view+json">'
STATIC_NOTE = "<p class='cc-static'>Interactive in JupyterLab; this is the figure it first showed.</p>"
LIVE_ONLY_NOTE = "<p class='cc-static'>Interactive demo: run this notebook in JupyterLab.</p>"


def widget_pictures(state: dict) -> dict[str, list[str]]:
    """model id of each widget -> the <img> tags that its HTML descendants showed when the notebook was run."""

    def pictures(model_id, seen):
        if model_id in seen or model_id not in state:
            return []
        seen.add(model_id)
        model = state[model_id].get("state", {})
        found = re.findall(r"<img [^>]*>", model["value"]) if isinstance(model.get("value"), str) else []
        for child in model.get("children", []):
            found += pictures(str(child).replace("IPY_MODEL_", ""), seen)
        return found

    return {model_id: pictures(model_id, set()) for model_id in state}


def _pop_widget_state(env, docname: str) -> dict:
    """The widget models MyST-NB kept for this page, dropped from the page: nothing renders them now."""
    from myst_nb.sphinx_ import NbMetadataCollector

    page = NbMetadataCollector.get_doc_data(env).setdefault(docname, {})
    js_files = page.get("js_files", {})
    state_file = js_files.get("ipywidgets_state")
    page["js_files"] = {key: value for key, value in js_files.items() if not key.startswith("ipywidgets")}
    if not state_file:
        return {}
    _uri, attributes = state_file
    return json.loads(attributes["body"]).get("state", {})


def static_widgets(app, doctree) -> None:
    pictures = widget_pictures(_pop_widget_state(app.env, app.env.docname))
    for node in [node for node in doctree.findall(nodes.raw) if node.astext().startswith(WIDGET_VIEW)]:
        view = json.loads(node.astext()[len(WIDGET_VIEW):].removesuffix("</script>").replace(r"<\/", "</"))
        if isinstance(view, str):  # MyST-NB may hand the view over as JSON text inside the JSON
            view = json.loads(view)
        images = pictures.get(view.get("model_id"), [])
        note = STATIC_NOTE if images else LIVE_ONLY_NOTE
        node.replace_self(nodes.raw("", "".join(images) + note, format="html"))


def setup(app):
    app.connect("doctree-read", static_widgets)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
