async def test_help(community):
    out = await community.text("/help")
    assert "(private) alice" in out and "!mydata export" in out
