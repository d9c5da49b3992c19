/**
 * What a run costs in AWS charges, item by item (issue 24, "Cost"). A step declares `cost(plan)`:
 * priced items, each a number of units and a price key. The executor prices each key for the
 * run's region from the AWS Price List API when it answers, else from this table, and says which.
 *
 * The table: us-east-1 on-demand list prices, first tier, from the page named by each row, as of
 * PRICE_TABLE_DATE. A region whose prices differ is priced from the Price List API, or from this
 * table with a note that the run is elsewhere. docs/cost.md shows the table (a test keeps it true).
 */
export const PRICE_TABLE_DATE = '2026-12-06';
export const PRICE_TABLE_REGION = 'us-east-1';

export type PriceKey =
  | 'rekognition.image'
  | 's3.request.tier1'
  | 's3.request.tier2'
  | 's3.batch.job'
  | 's3.batch.object'
  | 'transfer.inter-region.gb'
  | 'dynamodb.export.gb';

export interface PriceFilterSpec {
  field: string;
  value: string;
  type: 'TERM_MATCH' | 'EQUALS' | 'CONTAINS';
}

export interface PriceSpec {
  /** What is charged, as the plan says it. */
  what: string;
  /** The unit the price is per (singular): image, request, job, object, GB. */
  unit: string;
  /** The table price in USD per unit. */
  usd: number;
  /** The AWS pricing page the table price is from. */
  source: string;
  /** How the Price List API finds it: the service, the filters besides the region, and the unit it lists. */
  lookup: {
    serviceCode: string;
    /** The product attribute holding the region code (regionCode; fromRegionCode for transfer). */
    regionField: string;
    filters: PriceFilterSpec[];
    /** The Price List's unit, matched case-insensitively at its start (Requests, GB, ...). */
    listUnit: string;
    /** Several products matched: `same` needs them to agree, `max` takes the highest (an upper bound). */
    pick: 'same' | 'max';
  };
}

const S3_PRICING = 'https://aws.amazon.com/s3/pricing/';

export const PRICES: Record<PriceKey, PriceSpec> = {
  'rekognition.image': {
    what: 'Rekognition image analysis (DetectModerationLabels), first 1 million images a month',
    unit: 'image',
    usd: 0.001,
    source: 'https://aws.amazon.com/rekognition/pricing/',
    lookup: {
      serviceCode: 'AmazonRekognition',
      regionField: 'regionCode',
      filters: [{ field: 'usagetype', value: 'ImagesProcessed', type: 'CONTAINS' }],
      listUnit: 'Image',
      pick: 'same',
    },
  },
  's3.request.tier1': {
    what: 'S3 Standard PUT, COPY, POST and LIST requests ($0.005 per 1,000)',
    unit: 'request',
    usd: 0.000005,
    source: S3_PRICING,
    lookup: {
      serviceCode: 'AmazonS3',
      regionField: 'regionCode',
      filters: [{ field: 'group', value: 'S3-API-Tier1', type: 'EQUALS' }],
      listUnit: 'Requests',
      pick: 'same',
    },
  },
  's3.request.tier2': {
    what: 'S3 Standard GET, HEAD and other requests ($0.0004 per 1,000)',
    unit: 'request',
    usd: 0.0000004,
    source: S3_PRICING,
    lookup: {
      serviceCode: 'AmazonS3',
      regionField: 'regionCode',
      filters: [{ field: 'group', value: 'S3-API-Tier2', type: 'EQUALS' }],
      listUnit: 'Requests',
      pick: 'same',
    },
  },
  's3.batch.job': {
    what: 'S3 Batch Operations job',
    unit: 'job',
    usd: 0.25,
    source: S3_PRICING,
    lookup: {
      serviceCode: 'AmazonS3',
      regionField: 'regionCode',
      filters: [{ field: 'usagetype', value: 'BatchOperations-Jobs', type: 'CONTAINS' }],
      listUnit: 'Job',
      pick: 'same',
    },
  },
  's3.batch.object': {
    what: 'S3 Batch Operations objects processed ($1.00 per million)',
    unit: 'object',
    usd: 0.000001,
    source: S3_PRICING,
    lookup: {
      serviceCode: 'AmazonS3',
      regionField: 'regionCode',
      filters: [{ field: 'usagetype', value: 'BatchOperations-Objects', type: 'CONTAINS' }],
      listUnit: 'Object',
      pick: 'same',
    },
  },
  'transfer.inter-region.gb': {
    what: 'data transferred out to another AWS region',
    unit: 'GB',
    usd: 0.02,
    source: 'https://aws.amazon.com/ec2/pricing/on-demand/#Data_Transfer_within_the_same_AWS_Region',
    lookup: {
      serviceCode: 'AWSDataTransfer',
      regionField: 'fromRegionCode',
      filters: [{ field: 'transferType', value: 'InterRegion Outbound', type: 'EQUALS' }],
      listUnit: 'GB',
      pick: 'max',
    },
  },
  'dynamodb.export.gb': {
    what: 'DynamoDB export to Amazon S3 (point-in-time export), per GB of table data',
    unit: 'GB',
    usd: 0.1,
    source: 'https://aws.amazon.com/dynamodb/pricing/on-demand/',
    lookup: {
      serviceCode: 'AmazonDynamoDB',
      regionField: 'regionCode',
      filters: [{ field: 'usagetype', value: 'ExportDataSize-Bytes', type: 'CONTAINS' }],
      listUnit: 'GB',
      pick: 'same',
    },
  },
};

/** One thing a step's plan would be charged for. */
export interface CostItem {
  priceKey: PriceKey;
  units: number;
  /** What the units are, in the plan's words: "1,204 images scanned". */
  what: string;
  /** The count is a floor (a bucket counted only past a threshold) or a ceiling (transfer that may stay in-region). */
  bound?: 'at-least' | 'at-most';
}

export const BYTES_PER_GB = 1e9;
