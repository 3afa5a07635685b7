"""The province's own selection: expert review, the review meeting, 公示 and objections."""
