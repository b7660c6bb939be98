export interface Workspace {
  id: string;
  name: string;
  /** ISO 3166 alpha-2 country used to read phone numbers written without a country code. */
  defaultCountry: string | null;
  createdAt: number;
}
