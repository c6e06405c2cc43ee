/**
 * Google Cloud list prices and free tiers the cost model uses, in USD, as published on the pricing
 * pages on PRICES_AS_OF (Cloud Run request-based billing, Tier 1 region such as europe-west1;
 * Firestore Standard edition, regional location; the free tiers of each product). Prices change:
 * update the table and its date together, never one figure alone.
 */

export const PRICES_AS_OF = '2026-11-29';

export interface PriceTable {
  asOf: string;
  /** Cloud Run functions (gen2) are Cloud Run services with request-based billing. */
  run: {
    usdPerVcpuSecond: number;
    usdPerGibSecond: number;
    usdPerMillionRequests: number;
    /** Monthly, per billing account. */
    freeVcpuSeconds: number;
    freeGibSeconds: number;
    freeRequests: number;
    /** Billable time is rounded up to this per request. */
    roundingMs: number;
  };
  firestore: {
    usdPer100kReads: number;
    usdPer100kWrites: number;
    usdPer100kDeletes: number;
    usdPerGibMonth: number;
    /** Daily free quota of the (default) database; TTL deletes have none. */
    freeReadsPerDay: number;
    freeWritesPerDay: number;
    freeDeletesPerDay: number;
    freeGib: number;
  };
  pubsub: { usdPerTib: number; freeGibPerMonth: number; minBytesPerMessage: number };
  scheduler: { usdPerJobMonth: number; freeJobs: number };
  logging: { usdPerGib: number; freeGibPerMonth: number };
}

export const PRICES: PriceTable = {
  asOf: PRICES_AS_OF,
  run: {
    usdPerVcpuSecond: 0.000024,
    usdPerGibSecond: 0.0000025,
    usdPerMillionRequests: 0.4,
    freeVcpuSeconds: 180_000,
    freeGibSeconds: 360_000,
    freeRequests: 2_000_000,
    roundingMs: 100,
  },
  firestore: {
    usdPer100kReads: 0.03,
    usdPer100kWrites: 0.09,
    usdPer100kDeletes: 0.01,
    usdPerGibMonth: 0.15,
    freeReadsPerDay: 50_000,
    freeWritesPerDay: 20_000,
    freeDeletesPerDay: 20_000,
    freeGib: 1,
  },
  // Publish and delivery are both throughput; each message counts at least 1,000 bytes.
  pubsub: { usdPerTib: 40, freeGibPerMonth: 10, minBytesPerMessage: 1_000 },
  scheduler: { usdPerJobMonth: 0.1, freeJobs: 3 },
  logging: { usdPerGib: 0.5, freeGibPerMonth: 50 },
};
