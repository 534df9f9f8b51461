"""Socket.IO: the namespace, real servers, and the Redis message queue."""
