"""A strict tag-balance checker on Python's html.parser: unclosed, stray or misnested elements, duplicate ids."""

from html.parser import HTMLParser

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
# Elements whose end tag HTML allows to omit; the templates close them anyway, so they are checked too.
PHRASING_ONLY = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "span", "a", "strong", "em", "label", "button", "del"}
BLOCK = {
    "div",
    "p",
    "ul",
    "ol",
    "li",
    "table",
    "section",
    "nav",
    "header",
    "footer",
    "main",
    "form",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "address",
    "fieldset",
    "dl",
    "pre",
    "blockquote",
}


class Checker(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, tuple]] = []
        self.errors: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name == "id":
                if value in self.ids:
                    self.errors.append(f"duplicate id {value!r} at {self.getpos()}")
                self.ids.add(value)
        if tag in BLOCK and self.stack and self.stack[-1][0] in PHRASING_ONLY:
            self.errors.append(f"<{tag}> inside <{self.stack[-1][0]}> at {self.getpos()}")
        if tag == "a" and any(t == "a" for t, _ in self.stack):
            self.errors.append(f"nested <a> at {self.getpos()}")
        if tag not in VOID:
            self.stack.append((tag, self.getpos()))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.stack.pop()

    def handle_endtag(self, tag):
        if tag in VOID:
            self.errors.append(f"end tag for void <{tag}> at {self.getpos()}")
            return
        if not self.stack:
            self.errors.append(f"stray </{tag}> at {self.getpos()}")
            return
        open_tag, pos = self.stack[-1]
        if open_tag != tag:
            self.errors.append(f"</{tag}> at {self.getpos()} closes <{open_tag}> opened at {pos}")
            if any(t == tag for t, _ in self.stack):
                while self.stack and self.stack[-1][0] != tag:
                    self.stack.pop()
                self.stack.pop()
            return
        self.stack.pop()


def html_errors(html: str) -> list[str]:
    checker = Checker()
    if not html.lstrip().lower().startswith("<!doctype html>"):
        checker.errors.append("missing <!doctype html>")
    checker.feed(html)
    checker.close()
    checker.errors.extend(f"unclosed <{tag}> opened at {pos}" for tag, pos in checker.stack)
    return checker.errors
