"""Channel-agnostic core: an `Incoming` goes in, `Reply`s come out through the outbox."""
