using FeedDigest.Core.Normalizing;

namespace FeedDigest.Tests.Normalizing;

public sealed class ScriptsTests
{
    [Theory]
    [InlineData("Chiquita and Fyffes agree to merge", WritingSystem.Other)]
    [InlineData("Захарова прокомментировала новые санкции", WritingSystem.Other)]
    [InlineData("国家网信办发布新规 加强网络内容审查", WritingSystem.Chinese)]
    [InlineData("日銀が追加利上げを決定", WritingSystem.Japanese)]
    [InlineData("東京株式市場 続落", WritingSystem.Chinese)] // kanji alone cannot be told from Chinese
    [InlineData("한국은행 기준금리 동결 결정", WritingSystem.Korean)]
    [InlineData("Apple 发布新款 iPhone 手机", WritingSystem.Chinese)]
    [InlineData("Interview: the censors' new rules for 微博", WritingSystem.Other)]
    [InlineData("2026 — 42 %", WritingSystem.Other)]
    [InlineData("", WritingSystem.Other)]
    public void WritingSystemOf_AHeadline_IsTheSystemMostOfItIsIn(string headline, WritingSystem expected) =>
        Assert.Equal(expected, Scripts.WritingSystemOf(headline));
}
