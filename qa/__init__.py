"""Question answering: question -> filters -> passages -> cited answer."""
