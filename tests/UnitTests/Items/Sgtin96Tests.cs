using Tracking.Grains.Items;

namespace Tracking.UnitTests.Items;

public sealed class Sgtin96Tests
{
    [Fact]
    public void The_GS1_example_decodes_to_its_pure_identity_uri_and_gtin()
    {
        Assert.True(Sgtin96.TryDecode("3074257BF7194E4000001A85", out var id));

        Assert.Equal("urn:epc:id:sgtin:0614141.812345.6789", id.Uri);
        Assert.Equal("0614141", id.CompanyPrefix);
        Assert.Equal("812345", id.ItemReference);
        Assert.Equal("6789", id.Serial);
        Assert.Equal(3, id.Filter);
        Assert.Equal("80614141123458", id.Gtin);
    }

    [Fact]
    public void Lower_case_hex_decodes_the_same()
    {
        Assert.True(Sgtin96.TryDecode("3074257bf7194e4000001a85", out var id));
        Assert.Equal("urn:epc:id:sgtin:0614141.812345.6789", id.Uri);
    }

    [Theory]
    [InlineData("E2801160600002040A4E1B3C")] // another header (TID/other scheme): kept as hex by the caller
    [InlineData("3074257BF7194E4000001A")] // too short
    [InlineData("3074257BF7194E4000001A8500")] // too long
    [InlineData("3074257BF7194E40000Z1A85")] // not hex
    [InlineData("307C257BF7194E4000001A85")] // partition 7 does not exist
    [InlineData("")]
    [InlineData(null)]
    public void Anything_that_is_not_an_SGTIN_96_is_not_decoded(string? epc)
    {
        Assert.False(Sgtin96.TryDecode(epc, out _));
    }

    [Theory]
    [InlineData("8061414112345", '8')]
    [InlineData("0001234560001", '2')]
    [InlineData("0000000000000", '0')]
    public void The_check_digit_is_the_GS1_mod_10(string digits, char expected)
    {
        Assert.Equal(expected, Sgtin96.CheckDigit(digits));
    }
}
