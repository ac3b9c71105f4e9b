"""Render the demo's robot messages as each chat app shows them, for docs/notify.md.

    .venv/bin/pip install pillow                     # only this tool needs it
    .venv/bin/python docs/tools/render_robots.py     # writes docs/img/robot-{wecom,dingtalk,feishu,slack}.png

The demo workbook (zh, as of 2026-11-27) → ``xltrack.notify(..., dry_run=…)`` for one robot of
each platform → each JSON body drawn on a phone-width canvas with the markup that platform
renders: 企业微信 markdown (headings, quotes, bold, ``<font color=info|comment|warning>``,
``<@userid>``), 钉钉 markdown (headings, lists, bold, ``@mobile`` shown as the person's name as 钉钉
does for ``at.atMobiles``), the 飞书 interactive card (coloured header, two-column fields,
``lark_md`` with ``<font color>`` and ``<at id>``), Slack mrkdwn (``*bold*``, ``_italic_``,
``<@USERID>``). A mention shows as @name (the Config owner with that mobile or user id). The
drawing follows each app's look only roughly (colours, spacing); the text is exactly what is sent.
"""
from __future__ import annotations

import datetime as dt
import json
import re
import sys
import tempfile
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from xltrack.build.api import init  # noqa: E402
from xltrack.normalize.api import read_workbook  # noqa: E402
from xltrack.notify.api import notify  # noqa: E402

AS_OF = dt.date(2026, 11, 27)
FONT = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"
URLS = {"wecom": "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=demo",
        "dingtalk": "https://oapi.dingtalk.com/robot/send?access_token=demo",
        "feishu": "https://open.feishu.cn/open-apis/bot/v2/hook/demo",
        "slack": "https://hooks.slack.com/services/T0/B0/demo"}
S = 2                                     # drawn at twice the size: crisp on high-DPI screens
W, PAD, CARD_PAD = 460 * S, 14 * S, 14 * S
INK, GREY, BLUE = "#1F2329", "#8F959E", "#3370FF"
COLORS = {"wecom": {"warning": "#FA5151", "comment": "#8F959E", "info": "#07C160"},
          "feishu": {"red": "#F54A45", "grey": "#8F959E", "green": "#34C724"}}
BG = {"wecom": "#EDEDED", "dingtalk": "#F2F3F5", "feishu": "#F5F6F7", "slack": "#FFFFFF"}


def font(size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(FONT, size * S)


class Canvas:
    """Lines of styled runs, wrapped to a width, drawn top to bottom."""

    def __init__(self, width: int):
        self.width = width
        # ("text", runs, size, indent, bar) | ("pair", cells, size) | ("gap", h) | ("hr",)
        self.items: list[tuple] = []

    def text(self, runs, size=15, indent=0, bar=False):
        self.items.append(("text", runs, size, indent, bar))

    def pair(self, cells, size=15):
        """Two cells side by side, each starting at half the width (飞书's short fields)."""
        self.items.append(("pair", cells, size))

    def gap(self, h=6):
        self.items.append(("gap", h))

    def hr(self):
        self.items.append(("hr",))

    def _wrap(self, runs, size, width):
        f = font(size)
        lines, line, x = [], [], 0.0
        for text, style in runs:
            for ch in text:
                w = f.getlength(ch)
                if x + w > width and line:
                    lines.append(line)
                    line, x = [], 0.0
                line.append((ch, style))
                x += w
        lines.append(line)
        return lines

    def height(self) -> int:
        return sum(self._draw(None, 0, 0))

    def draw(self, img: Image.Image, x0: int, y0: int) -> None:
        list(self._draw(ImageDraw.Draw(img), x0, y0))

    def _draw(self, d, x0, y0):
        y = y0
        for item in self.items:
            kind = item[0]
            if kind == "gap":
                y += item[1] * S
                yield item[1] * S
            elif kind == "hr":
                if d:
                    d.line([(x0, y + 6 * S), (x0 + self.width, y + 6 * S)], fill="#DEE0E3", width=S)
                y += 13 * S
                yield 13 * S
            elif kind == "pair":
                _, cells, size = item
                f = font(size)
                lh = int(size * S * 1.55)
                if d:
                    for col, cell in enumerate(cells):
                        x = x0 + col * self.width // 2
                        for text, style in cell:
                            for dx in ((0, 1) if style.get("bold") else (0,)):
                                d.text((x + dx, y + (lh - size * S) // 2 - S), text, font=f,
                                       fill=style.get("color", INK))
                            x += f.getlength(text)
                y += lh
                yield lh
            elif kind == "text":
                _, runs, size, indent, bar = item
                f = font(size)
                lh = int(size * S * 1.55)
                lines = self._wrap(runs, size, self.width - (indent + (12 if bar else 0)) * S)
                for line in lines:
                    if d:
                        if bar:
                            d.rectangle([x0, y, x0 + 3 * S, y + lh], fill="#D9D9D9")
                        x = x0 + (indent + (12 if bar else 0)) * S
                        for ch, style in line:
                            color = style.get("color", INK)
                            for dx in ((0, 1) if style.get("bold") else (0,)):   # bold: drawn twice, 1 px apart
                                d.text((x + dx, y + (lh - size * S) // 2 - S), ch, font=f, fill=color)
                            x += f.getlength(ch)
                    y += lh
                    yield lh


# ---------------------------------------------------------------------------------- markup → runs
def runs(text: str, kind: str, names: dict[str, str], base: dict | None = None) -> list[tuple[str, dict]]:
    base = dict(base or {})
    if kind == "slack":
        pattern = r"\*(?P<b>[^*]+)\*|_(?P<i>[^_]+)_|<@(?P<at>[^>]+)>"
    else:
        pattern = (r"\*\*(?P<b>.+?)\*\*|<font color=[\"']?(?P<c>\w+)[\"']?>(?P<ct>.*?)</font>"
                   r"|<@(?P<at>[^>]+)>|<at id=(?P<at2>[^>]+)></at>")
        if kind == "dingtalk":
            pattern += r"|@(?P<mob>[\w.]+)"
    out: list[tuple[str, dict]] = []
    pos = 0
    for m in re.finditer(pattern, text):
        if m.start() > pos:
            out.append((text[pos:m.start()], base))
        g = m.groupdict()
        if g.get("b"):
            out += runs(g["b"], kind, names, {**base, "bold": True})
        elif g.get("i"):
            out.append((g["i"], {**base, "color": GREY}))
        elif g.get("c"):
            out += runs(g["ct"], kind, names, {**base, "color": COLORS.get(kind, {}).get(g["c"], g["c"])})
        else:
            who = g.get("at") or g.get("at2") or g.get("mob")
            out.append(("@" + names.get(who, who), {**base, "color": BLUE}))
        pos = m.end()
    if pos < len(text):
        out.append((text[pos:], base))
    return out


def markdown(c: Canvas, text: str, kind: str, names: dict[str, str]) -> None:
    lines = [ln for ln in text.split("\n")]
    for ln in lines:
        if not ln.strip():
            c.gap(4 if kind == "dingtalk" else 8)
            continue
        m = re.match(r"^(#{1,6}) (.*)$", ln)
        if m:
            size = {2: 19, 3: 18, 4: 16}.get(len(m.group(1)), 16)
            c.text(runs(m.group(2), kind, names, {"bold": True}), size=size)
            c.gap(2)
        elif ln.startswith("> "):
            c.text(runs(ln[2:], kind, names, {"color": "#5E6166"}), size=14, bar=True)
        elif ln.startswith("- "):
            c.text([("•  ", {})] + runs(ln[2:], kind, names), size=15, indent=4)
        elif ln.startswith("   ") or ln.startswith("      "):
            c.text(runs(ln.strip(), kind, names, {"color": "#5E6166"}), size=14, indent=22)
        else:
            c.text(runs(ln.rstrip(), kind, names), size=15)


def bubble(c: Canvas, kind: str, header: tuple[str, str] | None = None) -> Image.Image:
    inner = c.height()
    band = 44 * S if header else 0
    h = PAD * 2 + 24 * S + band + inner + CARD_PAD * 2
    img = Image.new("RGB", (W, h), BG[kind])
    d = ImageDraw.Draw(img)
    bot = {"wecom": "群机器人", "dingtalk": "销售日报机器人", "feishu": "xltrack 机器人", "slack": "xltrack  APP"}[kind]
    d.text((PAD, PAD), bot, font=font(13), fill=GREY)
    top = PAD + 24 * S
    d.rounded_rectangle([PAD, top, W - PAD, h - PAD], radius=8 * S, fill="#FFFFFF",
                        outline="#E5E6EB" if kind != "slack" else "#FFFFFF")
    if header:
        title, color = header
        d.rounded_rectangle([PAD, top, W - PAD, top + band], radius=8 * S, fill=color)
        d.rectangle([PAD, top + band - 8 * S, W - PAD, top + band], fill=color)
        for dx in (0, 1):
            d.text((PAD + CARD_PAD + dx, top + 11 * S), title, font=font(17), fill="#FFFFFF")
    c.draw(img, PAD + CARD_PAD, top + band + CARD_PAD)
    return img


def render(kind: str, body: dict, names: dict[str, str]) -> Image.Image:
    c = Canvas(W - 2 * (PAD + CARD_PAD))
    if kind == "wecom":
        markdown(c, body["markdown"]["content"], kind, names)
        return bubble(c, kind)
    if kind == "dingtalk":
        markdown(c, body["markdown"]["text"], kind, names)
        return bubble(c, kind)
    if kind == "slack":
        markdown(c, body["text"], kind, names)
        return bubble(c, kind)
    card = body["card"]
    fields = card["elements"][0]["fields"]
    for i in range(0, len(fields), 2):
        pair = [f["text"]["content"].split("\n") for f in fields[i:i + 2]]
        label = [(a[0].strip("*"), {"bold": True, "color": GREY}) for a in pair]
        c.pair([[lab] for lab in label], size=13)
        c.pair([[(a[1], {"bold": True})] for a in pair], size=16)
        c.gap(4)
    c.hr()
    markdown(c, card["elements"][-1]["text"]["content"], kind, names)
    color = COLORS["feishu"].get(card["header"]["template"], BLUE)
    return bubble(c, kind, header=(card["header"]["title"]["content"], color))


def main() -> None:
    out = ROOT / "docs" / "img"
    with tempfile.TemporaryDirectory(prefix="xlt-robots-") as tmp:
        t = Path(tmp)
        book = init(t / "销售跟踪.xlsx", demo=True, as_of=AS_OF)
        owners = read_workbook(book, as_of=AS_OF).pipeline.owners
        names = {k: o.name for o in owners for k in (o.mobile, o.user_id) if k}
        for kind, url in URLS.items():
            res = notify(book, [url], as_of=AS_OF, dry_run=t / kind)
            body = json.loads(res.messages[0].files[0].read_text(encoding="utf-8"))
            img = render(kind, body, names)
            img.convert("P", palette=Image.Palette.ADAPTIVE, colors=64).save(out / f"robot-{kind}.png", optimize=True)
            print(out / f"robot-{kind}.png", img.size)


if __name__ == "__main__":
    main()
