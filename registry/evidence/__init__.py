"""How replacement is proven: a new-capacity plan's public notice (公示), objections and announcement (公告),
and the dismantling (拆除到位) of each closure behind its indicators."""
