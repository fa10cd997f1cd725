import { z } from 'zod';

/** cardParamMap values are strings only on the platform (§e). */
export const paramMapSchema = z.record(z.string(), z.string());

/**
 * The card callback response carried in the ack (`{"response": …}`, §e):
 * cardData, the clicking user's userPrivateData, or (Python SDK style)
 * privateData by userid, with cardUpdateOptions.
 */
export const cardResponseSchema = z.looseObject({
  cardData: z.looseObject({ cardParamMap: paramMapSchema.optional() }).optional(),
  userPrivateData: z.looseObject({ cardParamMap: paramMapSchema.optional() }).optional(),
  privateData: z.record(z.string(), z.looseObject({ cardParamMap: paramMapSchema.optional() })).optional(),
  cardUpdateOptions: z
    .looseObject({
      updateCardDataByKey: z.boolean().optional(),
      updatePrivateDataByKey: z.boolean().optional(),
    })
    .optional(),
});
