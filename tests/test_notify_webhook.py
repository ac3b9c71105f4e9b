"""Robot webhook URLs: the platform from the host, the key required, the key masked everywhere."""
from __future__ import annotations

import pytest

from xltrack.errors import EXIT_USAGE, UsageError
from xltrack.notify.api import parse_webhooks, split_urls
from xltrack.notify.webhook import detect, masked, parse

WECOM = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=693a91f6-7xxx-4bc4-97a0-0ec2sifa5aaa"
DING = "https://oapi.dingtalk.com/robot/send?access_token=566cc69da782ec0123456789"
FEISHU = "https://open.feishu.cn/open-apis/bot/v2/hook/5e3d587e-d78e-4a07-bd07-265f269f86fd"
LARK = "https://open.larksuite.com/open-apis/bot/v2/hook/5e3d587e-d78e-4a07-bd07-265f269f86fd"
SLACK = "https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX"


@pytest.mark.parametrize("url,kind", [(WECOM, "wecom"), (DING, "dingtalk"), (FEISHU, "feishu"), (LARK, "feishu"),
                                      (SLACK, "slack"), ("https://example.com/hook?key=1", None)])
def test_the_platform_is_detected_from_the_host(url, kind):
    assert detect(url) == kind


@pytest.mark.parametrize("url,shown", [
    (WECOM, "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=693a****"),
    (DING + "&timestamp=1764201600000&sign=abc%2Bdef%3D",
     "https://oapi.dingtalk.com/robot/send?access_token=566c****&timestamp=1764201600000&sign=abc%2B****"),
    (FEISHU, "https://open.feishu.cn/open-apis/bot/v2/hook/5e3d****"),
    (SLACK, "https://hooks.slack.com/services/T000****"),
])
def test_the_key_is_masked(url, shown):
    assert masked(url) == shown
    assert "5e3d587e-d78e" not in masked(url) and "566cc69da782" not in masked(url)


def test_an_explicit_kind_wins_over_the_host_and_keeps_the_key_rule():
    h = parse("http://127.0.0.1:8080/cgi-bin/webhook/send?key=abcdef", "wecom")
    assert (h.kind, h.key, h.masked) == ("wecom", "abcdef", "http://127.0.0.1:8080/cgi-bin/webhook/send?key=abcd****")
    with pytest.raises(UsageError, match="缺少密钥"):
        parse("http://127.0.0.1:8080/cgi-bin/webhook/send", "wecom")


@pytest.mark.parametrize("url,message", [
    ("https://qyapi.weixin.qq.com/cgi-bin/webhook/send", "企业微信 webhook 地址缺少密钥（?key=…）"),
    ("https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=", "企业微信 webhook 地址缺少密钥（?key=…）"),
    ("https://oapi.dingtalk.com/robot/send?timestamp=1", "钉钉 webhook 地址缺少密钥（?access_token=…）"),
    ("https://open.feishu.cn/open-apis/bot/v2/hook/", "飞书 webhook 地址缺少密钥（/open-apis/bot/v2/hook/…）"),
    ("https://hooks.slack.com/services/T000", "Slack webhook 地址缺少密钥（/services/T…/B…/…）"),
    ("https://example.com/hook?key=1", "无法从主机名判断机器人平台：example.com"),
    ("qyapi.weixin.qq.com/cgi-bin/webhook/send?key=1", "不是机器人 webhook 地址"),
    ("https://u:p@qyapi.weixin.qq.com/cgi-bin/webhook/send?key=1", "不能包含用户名或密码"),
])
def test_a_url_without_its_key_is_a_usage_error(url, message):
    with pytest.raises(UsageError) as e:
        parse(url)
    assert message in str(e.value) and e.value.exit_code == EXIT_USAGE


def test_several_urls_from_the_environment_or_config_and_no_duplicates():
    assert split_urls(f" {WECOM} ,{DING};\n{WECOM}") == [WECOM, DING, WECOM]
    hooks = parse_webhooks([f"{WECOM},{DING}", WECOM])
    assert [h.kind for h in hooks] == ["wecom", "dingtalk"]
    with pytest.raises(UsageError, match="没有机器人 webhook 地址"):
        parse_webhooks([""])
