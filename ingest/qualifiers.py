"""Qualifiers of a number ("750余项", "不少于10场", "50家左右"): one canonical word per meaning.

One home for the words and what they mean, for every extractor that reads numbers (targets of a
policy, figures of a reply). An exact number has the qualifier "".

Canonical words (what the data stores) and how texts write them:

* 余: 余, 多 after the number ("750余项", "30多家")
* 超过: 超过, 超出, 突破, 超, 逾 before it ("超过1.4万次")
* 近: 近, 接近, 将近 before it ("近48.71%")
* 约: 约, 大约 before it
* 以上: 以上, 及以上 after it ("20家以上")
* 左右: 左右 after it
* 以下: 以下, 以内 after it
* 不少于: 不少于, 不低于, 至少 before it
* 不高于: 不高于, 不超过, 最多 before it
* 最高: 最高 before it (a cap on a payment: "最高补助100万元")
"""

from __future__ import annotations

# Longest first within each table, so 及以上 wins over 以上 and 接近 over 近.
BEFORE: dict[str, str] = {
    "不少于": "不少于",
    "不低于": "不少于",
    "至少": "不少于",
    "不高于": "不高于",
    "不超过": "不高于",
    "最多": "不高于",
    "最高": "最高",
    "超过": "超过",
    "超出": "超过",
    "突破": "超过",
    "接近": "近",
    "将近": "近",
    "大约": "约",
    "逾": "超过",
    "超": "超过",
    "近": "近",
    "约": "约",
}
AFTER: dict[str, str] = {
    "及以上": "以上",
    "以上": "以上",
    "左右": "左右",
    "以下": "以下",
    "以内": "以下",
}
# Between the number and its unit: "750余项", "30多家".
APPROXIMATE: dict[str, str] = {"余": "余", "多": "余"}

CANONICAL: tuple[str, ...] = (
    "余",
    "超过",
    "近",
    "约",
    "以上",
    "左右",
    "以下",
    "不少于",
    "不高于",
    "最高",
)
# Words saying the true value is at least the number (a lower bound): a target met by more.
LOWER_BOUNDS = frozenset({"余", "超过", "以上", "不少于"})


def _alternation(words) -> str:
    return "|".join(sorted(words, key=len, reverse=True))


BEFORE_PATTERN = _alternation(BEFORE)
AFTER_PATTERN = _alternation(AFTER)
APPROXIMATE_PATTERN = _alternation(APPROXIMATE)


def canonical(
    before: str | None = None, approx: str | None = None, after: str | None = None
) -> str:
    """The canonical qualifier for the words found around one number ("" for an exact number).

    A word before the number wins, then one between number and unit, then one after it.
    """
    if before:
        return BEFORE[before]
    if approx:
        return APPROXIMATE[approx]
    if after:
        return AFTER[after]
    return ""
