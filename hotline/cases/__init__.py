"""Case workflow: routing, queues, deadlines, dispositions, supervision."""
