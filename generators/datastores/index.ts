export { kafka, type KafkaProps } from "./kafka.js";
export { mongodb, type MongoProps } from "./mongodb.js";
export { redis, type RedisProps } from "./redis.js";
export { timescaledb, type TimescaleProps } from "./timescaledb.js";
export type { Datastore } from "./types.js";
