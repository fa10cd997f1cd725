import { describe, expect, it } from 'vitest';
import { formatShanghaiLocal, parseIntent } from '../../../bot/conversation/intent.ts';

describe('booking intents', () => {
  it.each([
    ['预约', 'book'],
    ['预约远程支持', 'book'],
    ['服务预约', 'book'],
    ['下周二上午想约远程支持', 'book'],
    ['明天约个现场服务', 'book'],
    ['我要预约培训', 'book'],
    ['我的预约', 'myBookings'],
    ['查看预约', 'myBookings'],
    ['改约', 'reschedule'],
    ['改约 BK-7K3D9QXA 明天下午', 'reschedule'],
    ['取消预约 BK-7K3D9QXA', 'cancelBooking'],
    ['取消预约', 'cancelBooking'],
    ['确认预约 远程支持 2026-03-04 13:00', 'confirmBooking'],
    ['确认改约 BK-7K3D9QXA 2026-03-05 13:00', 'confirmReschedule'],
    // Not bookings: the cancel word alone leaves a dialogue; a problem report stays one.
    ['取消', 'cancel'],
    ['报障 EKP 预约功能报错', 'fileTicket'],
    ['系统大约一个小时前开始报错，无法登录', 'describeProblem'],
    ['预约服务模块打不开', 'book'],
    ['我的工单', 'myTickets'],
  ])('%s → %s', (text, kind) => {
    expect(parseIntent(text).kind).toBe(kind);
  });

  it('a slot button carries type, Beijing time and ticket', () => {
    expect(parseIntent('确认预约 远程支持 2026-03-04 13:00 SD-2026-000123')).toEqual({
      kind: 'confirmBooking',
      typeName: '远程支持',
      start: new Date('2026-03-04T05:00:00.000Z'),
      ticketNo: 'SD-2026-000123',
    });
    expect(parseIntent('确认改约 bk-7k3d9qxa 2026-03-05 09:30')).toEqual({
      kind: 'confirmReschedule',
      bookingId: 'BK-7K3D9QXA',
      start: new Date('2026-03-05T01:30:00.000Z'),
    });
  });

  it('an impossible time in a button is not a confirmation', () => {
    expect(parseIntent('确认预约 远程支持 2026-03-04 25:00').kind).toBe('book');
  });

  it('改约 keeps what was said besides the booking number', () => {
    expect(parseIntent('改约 BK-7K3D9QXA 周五10点')).toEqual({
      kind: 'reschedule',
      bookingId: 'BK-7K3D9QXA',
      text: '改约 周五10点',
    });
  });

  it('formats instants as the buttons send them, in Beijing time', () => {
    expect(formatShanghaiLocal(new Date('2026-03-04T16:30:00Z'))).toBe('2026-03-05 00:30');
  });
});
