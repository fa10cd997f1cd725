import { defineTexts } from '../../i18n.ts';

export const newTicketTexts = defineTexts(
  {
    hint: '与在钉钉中对机器人说“报障”相同：提交后进入分拣中心，我们按服务协议的响应时限处理。',
    productLine: '产品线',
    level: '响应级别',
    description: '问题描述',
    descriptionPlaceholder: '请描述问题现象、出现时间、影响范围，例如：流程审批页面报错 500',
    submit: '提交工单',
    'problem.productLine': '请选择产品线',
    'problem.level': '请选择响应级别',
    'problem.description': '请用至少 5 个字描述问题',
    'problem.long': '问题描述最长 4000 个字',
    'done.title': '工单已提交',
    'done.ticket': '工单号 {no}',
    'done.view': '查看工单',
    'done.list': '我的工单',
    'done.another': '再提一张',
  },
  {
    hint: 'The same as saying “报障” to the bot in DingTalk: the ticket goes to the sorting centre and is handled within the agreement’s response times.',
    productLine: 'Product line',
    level: 'Response level',
    description: 'Description',
    descriptionPlaceholder:
      'What happens, since when, who is affected — e.g. the approval page shows error 500',
    submit: 'Submit',
    'problem.productLine': 'Pick a product line',
    'problem.level': 'Pick a response level',
    'problem.description': 'Describe the problem in at least 5 characters',
    'problem.long': 'At most 4000 characters',
    'done.title': 'Ticket filed',
    'done.ticket': 'Ticket {no}',
    'done.view': 'View ticket',
    'done.list': 'My tickets',
    'done.another': 'File another',
  },
);
