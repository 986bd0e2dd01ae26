"""Read an admin page's form the way a browser submits it, so tests post exactly what the page offers."""

from html.parser import HTMLParser


class _FormParser(HTMLParser):
    def __init__(self, form_id):
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.inside = False
        self.data = {}
        self._select = None
        self._select_first = None
        self._textarea = None
        self._option = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and attrs.get("id") == self.form_id:
            self.inside = True
        if not self.inside:
            return
        name = attrs.get("name")
        if tag == "input" and name:
            kind = attrs.get("type", "text")
            if kind in ("submit", "button", "image", "file"):
                return
            if kind in ("checkbox", "radio"):
                if "checked" in attrs:
                    self.data.setdefault(name, []).append(attrs.get("value", "on"))
                return
            self.data.setdefault(name, []).append(attrs.get("value", ""))
        elif tag == "select" and name:
            self._select, self._select_first = name, None
            self.data.setdefault(name, [])
        elif tag == "option" and self._select:
            self._option = attrs.get("value")
            if self._select_first is None:
                self._select_first = attrs.get("value", "")
            if "selected" in attrs:
                self.data[self._select].append(attrs.get("value", ""))
        elif tag == "textarea" and name:
            self._textarea = name
            self.data[name] = [""]

    def handle_data(self, data):
        if self._textarea:
            self.data[self._textarea][0] += data

    def handle_endtag(self, tag):
        if tag == "form" and self.inside:
            self.inside = False
        elif tag == "select" and self._select:
            if not self.data[self._select]:
                self.data[self._select] = [self._select_first or ""]
            self._select = None
        elif tag == "textarea":
            if self._textarea:
                # Browsers drop the newline right after <textarea>.
                self.data[self._textarea][0] = self.data[self._textarea][0].removeprefix("\n")
            self._textarea = None


def form_data(response, form_id):
    """The fields a browser would post from the form with this id, as a dict for the test client."""
    parser = _FormParser(form_id)
    parser.feed(response.content.decode())
    return {name: values if len(values) > 1 else (values[0] if values else "") for name, values in parser.data.items()}
