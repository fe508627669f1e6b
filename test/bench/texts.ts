import type { DisputeType } from '../../src/workflows/rules/dispute-rules.types';
import { chineseName } from './city';
import type { Rng } from './random';

/** What the disputes are about, per type: titles and descriptions as a mediator writes them. */
const topics: Record<DisputeType, Array<[string, string]>> = {
  labour: [
    [
      '拖欠工资纠纷',
      '申请人在被申请人处从事装修工作，被申请人以工程款未结清为由拖欠工资三个月，申请人多次讨要未果。',
    ],
    ['工资支付争议', '申请人离职后被申请人未按约定结清最后两个月工资及加班费，双方对加班时长有争议。'],
    [
      '工伤待遇纠纷',
      '申请人在工作中受伤，被申请人未缴纳工伤保险，双方就停工留薪期待遇和医疗费承担协商未果。',
    ],
    [
      '解除劳动合同经济补偿争议',
      '被申请人以经营困难为由解除劳动合同，申请人要求支付经济补偿金及未休年休假工资。',
    ],
    ['农民工讨薪纠纷', '多名农民工反映包工头拖欠工资，总包单位与分包单位互相推诿，农民工情绪激动。'],
  ],
  neighbourhood: [
    ['楼上漏水纠纷', '楼上卫生间漏水，楼下天花板及墙面受损，双方就维修责任和赔偿金额协商未果。'],
    ['噪音扰民纠纷', '楼上住户夜间经常发出较大噪音，影响楼下老人休息，双方多次发生口角。'],
    ['占用公共通道纠纷', '邻居在楼道内长期堆放杂物，阻塞消防通道，经物业劝说仍未清理。'],
    ['宅基地界址纠纷', '相邻两户因翻建房屋对宅基地界址产生争议，一方砌墙后另一方强行拆除。'],
    ['宠物伤人纠纷', '申请人在小区内被邻居饲养的犬只咬伤，双方就医疗费和误工费赔偿产生分歧。'],
  ],
  family: [
    ['赡养纠纷', '老人年逾八旬，三个子女对赡养费分担和轮流照料安排意见不一，老人生活无着。'],
    ['婚姻家庭纠纷', '夫妻双方因家庭琐事长期争吵，女方提出离婚，双方就子女抚养和财产分割有争议。'],
    ['继承纠纷', '父母去世后留下房屋一套，兄妹四人对房屋继承份额及居住使用产生矛盾。'],
  ],
  property_management: [
    ['物业服务费纠纷', '业主以物业服务质量差、电梯经常故障为由拒交物业费，物业公司多次催缴。'],
    ['停车位管理纠纷', '小区车位不足，物业调整停车收费标准引发部分业主不满，发生堵门事件。'],
    ['电梯维修资金纠纷', '老旧小区加装电梯，高低楼层业主对出资比例和维修资金使用意见分歧较大。'],
  ],
  environmental: [
    ['油烟噪声污染纠纷', '沿街餐饮店排放油烟和夜间噪声，周边居民多次投诉，要求商户整改或搬离。'],
    ['工厂排污纠纷', '企业排放异味气体，附近村民反映影响生活和农作物，要求赔偿并停止排放。'],
  ],
  consumer: [
    ['预付卡退费纠纷', '健身房突然停业，会员要求退还预付卡余额，经营者称资金困难无法一次退清。'],
    ['装修质量纠纷', '装修公司施工质量不合格，墙面开裂、地板起拱，业主要求返工并赔偿损失。'],
  ],
  medical: [
    ['医疗损害赔偿纠纷', '患者术后出现并发症，家属认为医院存在过错，要求赔偿医疗费、误工费等各项损失。'],
    ['医疗费用争议', '患者家属对住院费用清单有异议，认为存在重复收费，与医院发生争执。'],
  ],
  demolition_relocation: [
    ['房屋征收补偿纠纷', '被征收户对房屋评估价格和安置方案不满，拒绝签订补偿协议。'],
    ['动迁安置房分配纠纷', '动迁家庭内部对安置房分配和补偿款分割产生矛盾，兄弟之间多次冲突。'],
  ],
  land_requisition: [
    ['征地补偿标准争议', '村民对征地补偿标准和青苗补偿费有异议，多户村民联名反映。'],
    ['集体土地承包经营权纠纷', '土地被征收后，承包户与村集体就补偿款分配比例产生争议。'],
  ],
  other: [
    ['交通事故损害赔偿纠纷', '电动自行车与行人相撞致行人受伤，双方就赔偿数额协商不成。'],
    ['借款纠纷', '朋友之间借款五万元到期未还，借款人称经营亏损暂无力偿还。'],
    ['合同纠纷', '双方签订的货物买卖合同履行中出现质量争议，买方拒付剩余货款。'],
  ],
};

const companies = [
  '实业有限公司',
  '建筑工程有限公司',
  '物业管理有限公司',
  '餐饮管理有限公司',
  '科技有限公司',
];
const hospitals = ['闵行区中心医院', '闵行区吴泾医院', '莘庄社区卫生服务中心', '闵行区中医医院'];

export function caseText(type: DisputeType, rng: Rng): { title: string; description: string } {
  const [title, description] = rng.pick(topics[type]);
  return { title: `${title}（${chineseName(rng)}）`, description };
}

/** A respondent that is an organisation, for the types where that is usual. */
export function organisationName(type: DisputeType, rng: Rng): string | null {
  if (type === 'medical') return rng.pick(hospitals);
  if (type === 'labour' || type === 'property_management' || type === 'consumer' || type === 'environmental')
    return rng.chance(0.75) ? `上海${chineseName(rng).slice(0, 2)}${rng.pick(companies)}` : null;
  if (type === 'demolition_relocation' || type === 'land_requisition')
    return rng.chance(0.5) ? '闵行区房屋征收事务中心' : null;
  return null;
}
