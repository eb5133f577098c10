/** urllib3's Retry (placeholder until the value object lands). */
export class Retry {}
