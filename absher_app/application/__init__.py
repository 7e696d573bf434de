"""Use cases: one plain function per thing a person or staff member does or looks at,
`(session, now, identity, input) -> view dataclass`, with no Reflex import, so that pages, the
CLI, a future API or a worker can all call them."""
